{#- Tests sized to the batch. In a micro-batch (NEV_TEST_SCOPE=batch with a batch window, see
    macros/incremental.sql) the data tests of incremental models check the rows the batch wrote:
    the rows whose landing time (_loaded_at) falls in the window, and for a uniqueness test every
    row of each key the batch touched, so that a key repeated between the batch and the history is
    still caught. Rows a batch re-derives without new input are unchanged, and were checked when
    they were written. A test whose config sets meta sized_to_the_batch applies the batch by its own
    rule (the late-arrival relationships: the rows whose allowance runs out in the window, in
    macros/tests/generic_tests.sql). Every other run (the daily one included) checks every row. A
    test's own `where` applies in both. This overrides dbt's get_where_subquery, which every generic
    test calls on the relation it tests. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set conditions = [] -%}
    {%- set where = config.get('where', '') -%}
    {%- if where -%}
        {%- do conditions.append('(' ~ where ~ ')') -%}
    {%- endif -%}
    {%- set scoped = batch_scope_condition() -%}
    {%- if scoped -%}
        {%- do conditions.append(scoped) -%}
    {%- endif -%}
    {%- if conditions -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ conditions | join(' and ') ~ ') dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{#- The batch condition for the test being compiled, or none when it checks every row. A model's
    landing time column is _loaded_at, or the one its meta names as batch_column ('none': it has
    none, and its tests check every row). -#}
{% macro batch_scope_condition() -%}
    {%- if not execute or not tests_scoped_to_batch() or model.resource_type != 'test' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes.get(model.attached_node or '') -%}
    {%- if tested is none or tested.config.materialized != 'incremental' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set landed = tested.config.meta.get('batch_column', '_loaded_at') -%}
    {%- if landed == 'none' -%}
        {{ return(none) }}  {#- a small summary with no landing time: its tests check every row -#}
    {%- endif -%}
    {%- if model.config.meta.get('sized_to_the_batch') -%}
        {{ return(none) }}  {#- the test applies the batch by its own rule (its config's meta) -#}
    {%- endif -%}
    {%- set column = (model.test_metadata or {}).get('kwargs', {}).get('column_name') -%}
    {%- if (model.test_metadata or {}).get('name') == 'unique' and column -%}
        {{ return(column ~ ' in (select ' ~ column ~ ' from ' ~ adapter.quote(tested.schema) ~ '.'
            ~ adapter.quote(tested.alias) ~ ' where ' ~ landed_in_window(landed) ~ ')') }}
    {%- endif -%}
    {{ return(landed_in_window(landed)) }}
{%- endmacro %}
