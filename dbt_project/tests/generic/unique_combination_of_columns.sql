{#- Fails for every combination of the given columns that occurs more than once (the grain of a
    model keyed by several columns). -#}
{% test unique_combination_of_columns(model, combination_of_columns) %}
{%- set columns = combination_of_columns | join(', ') %}
select {{ columns }}, count(*) as rows_with_this_key
from {{ model }}
group by {{ columns }}
having count(*) > 1
{% endtest %}
