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

{#- factor * numerator / denominator, rounded half away from zero to `scale` decimals, EXACTLY:
    DuckDB's division yields DOUBLE, whose binary rounding gets ties wrong (5.35 / 2 -> 2.67), so
    both sides are scaled to whole hundredths (exact for money, DECIMAL(18,2), and for counts) and
    divided as HUGEINT. NULL when the denominator is 0 or NULL. -#}
{% macro exact_ratio(numerator, denominator, factor, scale, precision) -%}
    {%- set unit = '0.' ~ ('0' * (scale - 1)) ~ '1' if scale > 0 else '1' -%}
    CASE WHEN coalesce({{ denominator }}, 0) = 0 THEN NULL ELSE
    CAST(CAST(sign({{ numerator }}) * sign({{ denominator }})
              * ((2 * abs(CAST(({{ numerator }}) * 100 AS HUGEINT)) * {{ factor * 10 ** scale }}
                  + abs(CAST(({{ denominator }}) * 100 AS HUGEINT)))
                 // (2 * abs(CAST(({{ denominator }}) * 100 AS HUGEINT))))
              AS DECIMAL(30,0)) * {{ unit }} AS DECIMAL({{ precision }},{{ scale }}))
    END
{%- endmacro %}

{#- numerator / denominator * 100 as DECIMAL(<precision>,1); NULL when the denominator is 0 or
    NULL. Shares (0..100) use the default; efficiency (profit over cost price, unbounded) uses 22
    like pricing/'s efficiency columns. -#}
{% macro pct(numerator, denominator, precision=9) -%}
    {{ exact_ratio(numerator, denominator, 100, 1, precision) }}
{%- endmacro %}

{#- numerator / denominator as DECIMAL(18,<scale>); NULL when the denominator is 0 or NULL. -#}
{% macro ratio(numerator, denominator, scale=2) -%}
    {{ exact_ratio(numerator, denominator, 1, scale, 18) }}
{%- endmacro %}

{#- The first day of the month of a date or timestamp, as DATE. -#}
{% macro month_of(expr) -%}
    CAST(date_trunc('month', {{ expr }}) AS DATE)
{%- endmacro %}
