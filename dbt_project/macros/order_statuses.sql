{#- The order statuses of zakaz/domain.py in process order, with their Russian and English
    names, as a subquery to alias: (status, status_rank, status_name_ru, status_name_en, is_final). -#}
{% macro order_statuses() -%}
    (select * from (values
        ('need', 1, 'Потребность', 'Need', false),
        ('costing', 2, 'Расчёт', 'Costing', false),
        ('quote_sent', 3, 'КП отправлено', 'Quote sent', false),
        ('agreed', 4, 'Согласован', 'Agreed', false),
        ('procurement', 5, 'Снабжение', 'Procurement', false),
        ('production', 6, 'Производство', 'Production', false),
        ('ready_to_ship', 7, 'Готов к отгрузке', 'Ready to ship', false),
        ('shipped', 8, 'Отгружен', 'Shipped', false),
        ('delivered', 9, 'Доставлен', 'Delivered', false),
        ('closed', 10, 'Закрыт', 'Closed', true),
        ('cancelled', 11, 'Отменён', 'Cancelled', true)
    ) as v(status, status_rank, status_name_ru, status_name_en, is_final))
{%- endmacro %}
