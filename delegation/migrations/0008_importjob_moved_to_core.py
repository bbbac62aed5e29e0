# The import job moved to core.importing (issue 7 §1): one job model for every app, keyed by the
# registry ("delegation.item" …) instead of delegation's Kind choices. Every row is copied with its
# id (old links to /delegation/import/jobs/<id>/ keep working), its user, times and file; its
# stored errors ([row, column, text]) are shown as they are. Then the delegation table is dropped.

from django.db import migrations

COLUMNS = ("file, original_name, file_format, status, run_in_background, total_rows, processed_rows, created_count,"
           " updated_count, unchanged_count, error_count, errors, message, seconds, started_by_id, created_at, finished_at")

FORWARD = f"""
INSERT INTO importing_importjob (id, direction, kind, filters, started_at, {COLUMNS})
SELECT id, 'import', 'delegation.' || kind, '{{}}'::jsonb, NULL, {COLUMNS} FROM delegation_importjob ORDER BY id;
SELECT setval(pg_get_serial_sequence('importing_importjob', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM importing_importjob;
"""

BACKWARD = f"""
INSERT INTO delegation_importjob (id, kind, {COLUMNS})
SELECT id, substr(kind, length('delegation.') + 1), {COLUMNS} FROM importing_importjob
WHERE direction = 'import' AND kind LIKE 'delegation.%' ORDER BY id;
SELECT setval(pg_get_serial_sequence('delegation_importjob', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL)
FROM delegation_importjob;
"""


class Migration(migrations.Migration):

    dependencies = [
        ('delegation', '0007_files_checked_upload_names'),
        ('importing', '0001_initial'),
    ]

    operations = [
        migrations.RunSQL(FORWARD, BACKWARD, elidable=False),
        migrations.DeleteModel(
            name='ImportJob',
        ),
    ]
