{#- Typed results. DuckDB's division yields DOUBLE: every ratio is rounded and cast here, so
    marts never hold a DOUBLE. Sums of DECIMAL stay exact; only the final ratio is rounded. -#}

{#- Money: DECIMAL(18,2), half away from zero. -#}
{% macro money(expr) -%}
    CAST(round({{ expr }}, 2) AS DECIMAL(18,2))
{%- endmacro %}

{#- A sum of money (optionally of the rows matching `where`) that is 0, not NULL, when nothing
    was summed. -#}
{% macro money_sum(expr, where=none) -%}
    CAST(coalesce(sum({{ expr }}){% if where %} filter (where {{ where }}){% endif %}, 0) AS DECIMAL(18,2))
{%- endmacro %}

{#- numerator / denominator * 100 as DECIMAL(<precision>,1); NULL when the denominator is 0 or
    NULL. Shares (0..100) use the default; efficiency (profit over cost price, unbounded) uses 22
    like pricing/'s efficiency columns. -#}
{% macro pct(numerator, denominator, precision=9) -%}
    CAST(round(100 * CAST({{ numerator }} AS DOUBLE) / nullif({{ denominator }}, 0), 1)
         AS DECIMAL({{ precision }},1))
{%- endmacro %}

{#- numerator / denominator as DECIMAL(18,<scale>); NULL when the denominator is 0 or NULL. -#}
{% macro ratio(numerator, denominator, scale=2) -%}
    CAST(round(CAST({{ numerator }} AS DOUBLE) / nullif({{ denominator }}, 0), {{ scale }})
         AS DECIMAL(18,{{ scale }}))
{%- endmacro %}

{#- The first day of the month of a date or timestamp, as DATE. -#}
{% macro month_of(expr) -%}
    CAST(date_trunc('month', {{ expr }}) AS DATE)
{%- endmacro %}
