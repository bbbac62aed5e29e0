# Placeholder in the chain; its owner fills in the operations (makemigrations --dry-run -v 3).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0004_appraisal'),
    ]

    operations = [
    ]
