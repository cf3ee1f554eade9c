{#- The reference day of every "overdue", "late" and "coming months" rule.
    var('as_of') (default: env ZAKAZ_AS_OF) as YYYY-MM-DD. Empty means today: the local date when
    the dbt run started (one value for the whole run, even one that crosses midnight). Every model
    uses this macro, never current_date, so two runs with the same as_of give identical marts. -#}
{% macro as_of_date() -%}
    {%- set value = (var('as_of', '') or '') | string | trim -%}
    {%- if value in ('', 'None') -%}
        DATE '{{ run_started_at.astimezone().date().isoformat() }}'
    {%- elif modules.re.match('^[0-9]{4}-[0-9]{2}-[0-9]{2}$', value) -%}
        DATE '{{ value }}'
    {%- else -%}
        {{ exceptions.raise_compiler_error("var as_of must be a date YYYY-MM-DD, got '" ~ value ~ "'") }}
    {%- endif -%}
{%- endmacro %}

{#- The end of the as_of day: the moment up to which an order's current status has lasted. -#}
{% macro as_of_end() -%}
    CAST({{ as_of_date() }} + INTERVAL 1 DAY AS TIMESTAMP)
{%- endmacro %}
