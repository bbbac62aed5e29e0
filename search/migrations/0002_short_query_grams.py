"""One- and two-character queries on the big table (issue 15 §3): a GIN index of each applicant's
characters and character pairs.

pg_trgm extracts no trigram from a one- or two-character LIKE pattern, so 王伟 or 丁 over a
province's 1M records is a sequential scan (bench/search.py: 0.6–0.9 s). ``search_grams(text)``
is the set of the text's single characters and pairs (lower-cased, as ILIKE compares); a row
whose grams contain the query's grams is a candidate, and the ILIKE beside it decides, so the
answer is the same as ILIKE alone. search.selectors uses it for the fields a kind lists in
``gram_fields``.
"""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION search_grams(value text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(lower(value), i, n)), '{}')
    FROM generate_series(1, char_length(value)) AS i, (VALUES (1), (2)) AS w(n)
    WHERE i + n - 1 <= char_length(value)
$$
"""

# (index name, table, column): search.selectors.KINDS' ``gram_fields``.
INDEXES = (
    ("search_grams_record_applicant", "delegation_exerciserecord", "applicant"),
)


class Migration(migrations.Migration):

    dependencies = [("search", "0001_trigram_indexes")]

    operations = [
        migrations.RunSQL(sql=FUNCTION, reverse_sql="DROP FUNCTION IF EXISTS search_grams(text)"),
        *(
            migrations.RunSQL(
                sql=f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin (search_grams("{column}"))',
                reverse_sql=f'DROP INDEX IF EXISTS "{name}"',
            )
            for name, table, column in INDEXES
        ),
    ]
