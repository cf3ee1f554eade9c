{#- Models go to exactly the schema they configure (staging, intermediate, marts), not
    "<target schema>_<custom schema>": the publish step copies schema `marts` as it is. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
