# The yearly appraisal (issue 14 §5, helper A): indicator sets and their indicators, one
# appraisal per town and year, the scores with their trace, the use made of the result.

import core.messages
import django.core.validators
import django.db.models.deletion
import pgtrigger.compiler
import pgtrigger.migrations
from decimal import Decimal
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('oversight', '0003_supervision'),
        ('pghistory', '0007_auto_20250421_0444'),
        ('regions', '0002_remove_department_insert_insert_and_more'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Appraisal',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('year', models.PositiveSmallIntegerField(verbose_name='考核年度')),
                ('state', models.CharField(choices=[('draft', '评分中'), ('finalised', '已定档')], default='draft', max_length=16, verbose_name='状态')),
                ('total', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='总分')),
                ('grade', models.CharField(blank=True, choices=[('excellent', '优秀'), ('good', '良好'), ('pass', '合格'), ('fail', '不合格')], max_length=16, verbose_name='等次')),
                ('computed_at', models.DateTimeField(blank=True, null=True, verbose_name='计算时间')),
                ('finalised_on', models.DateField(blank=True, null=True, verbose_name='定档日期')),
                ('conclusion', models.TextField(blank=True, verbose_name='考核意见')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('finalised_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='定档人')),
                ('town', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='regions.division', verbose_name='试点镇')),
                ('updated_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '年度考核',
                'verbose_name_plural': '年度考核',
                'ordering': ['-year', 'town__code', 'id'],
            },
            bases=(core.messages.PlainMessagesModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='AppraisalIndicator',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
                ('name', models.CharField(max_length=128, verbose_name='指标名称')),
                ('weight', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='权重')),
                ('kind', models.CharField(choices=[('computed', '系统计算'), ('manual', '人工评分')], max_length=16, verbose_name='评分方式')),
                ('measure', models.CharField(blank=True, choices=[('filing_on_time', '按时备案率'), ('takeover_rate', '事项承接率'), ('targets_met', '发展目标完成率'), ('rectifications_closed', '督查问题整改销号率')], max_length=32, verbose_name='计算口径')),
                ('rule', models.CharField(blank=True, max_length=300, verbose_name='评分标准')),
                ('is_active', models.BooleanField(default=True, verbose_name='在用')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('updated_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '考核指标',
                'verbose_name_plural': '考核指标',
                'ordering': ['indicator_set_id', 'position'],
            },
            bases=(core.messages.PlainMessagesModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='AppraisalScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='得分')),
                ('computed_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='计算得分')),
                ('trace', models.JSONField(blank=True, default=dict, verbose_name='计算依据')),
                ('by_hand', models.BooleanField(default=False, verbose_name='人工评分')),
                ('reason', models.TextField(blank=True, verbose_name='评分理由')),
                ('appraisal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='scores', to='oversight.appraisal', verbose_name='年度考核')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('indicator', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='oversight.appraisalindicator', verbose_name='考核指标')),
                ('scored_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评分人')),
                ('updated_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '指标得分',
                'verbose_name_plural': '指标得分',
                'ordering': ['appraisal_id', 'indicator__position'],
            },
            bases=(core.messages.PlainMessagesModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='AppraisalScoreEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='得分')),
                ('computed_score', models.DecimalField(blank=True, decimal_places=2, max_digits=5, null=True, verbose_name='计算得分')),
                ('trace', models.JSONField(blank=True, default=dict, verbose_name='计算依据')),
                ('by_hand', models.BooleanField(default=False, verbose_name='人工评分')),
                ('reason', models.TextField(blank=True, verbose_name='评分理由')),
                ('appraisal', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.appraisal', verbose_name='年度考核')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('indicator', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.appraisalindicator', verbose_name='考核指标')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='oversight.appraisalscore')),
                ('scored_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评分人')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='AppraisalUse',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('kind', models.CharField(choices=[('reward', '奖励'), ('penalty', '惩戒'), ('cadre', '干部任用')], max_length=16, verbose_name='运用类型')),
                ('text', models.TextField(verbose_name='内容')),
                ('document_number', models.CharField(blank=True, max_length=64, verbose_name='文号')),
                ('decided_on', models.DateField(verbose_name='决定日期')),
                ('appraisal', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='uses', to='oversight.appraisal', verbose_name='年度考核')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('updated_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '考核结果运用',
                'verbose_name_plural': '考核结果运用',
                'ordering': ['appraisal_id', 'decided_on', 'id'],
            },
            bases=(core.messages.PlainMessagesModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='AppraisalUseEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('kind', models.CharField(choices=[('reward', '奖励'), ('penalty', '惩戒'), ('cadre', '干部任用')], max_length=16, verbose_name='运用类型')),
                ('text', models.TextField(verbose_name='内容')),
                ('document_number', models.CharField(blank=True, max_length=64, verbose_name='文号')),
                ('decided_on', models.DateField(verbose_name='决定日期')),
                ('appraisal', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.appraisal', verbose_name='年度考核')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='oversight.appraisaluse')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.CreateModel(
            name='IndicatorSet',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='考核年度')),
                ('name', models.CharField(max_length=128, verbose_name='名称')),
                ('excellent_from', models.DecimalField(decimal_places=2, default=Decimal('90'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='优秀分数线')),
                ('good_from', models.DecimalField(decimal_places=2, default=Decimal('80'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='良好分数线')),
                ('pass_from', models.DecimalField(decimal_places=2, default=Decimal('60'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='合格分数线')),
                ('document_number', models.CharField(blank=True, max_length=64, verbose_name='印发文号')),
                ('created_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('group', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicator_sets', to='oversight.leadinggroup', verbose_name='领导小组')),
                ('updated_by', models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'verbose_name': '考核指标体系',
                'verbose_name_plural': '考核指标体系',
                'ordering': ['-year', 'group_id', 'id'],
            },
            bases=(core.messages.PlainMessagesModelMixin, models.Model),
        ),
        migrations.CreateModel(
            name='AppraisalIndicatorEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('position', models.PositiveSmallIntegerField(verbose_name='序号')),
                ('name', models.CharField(max_length=128, verbose_name='指标名称')),
                ('weight', models.DecimalField(decimal_places=2, max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0.01')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='权重')),
                ('kind', models.CharField(choices=[('computed', '系统计算'), ('manual', '人工评分')], max_length=16, verbose_name='评分方式')),
                ('measure', models.CharField(blank=True, choices=[('filing_on_time', '按时备案率'), ('takeover_rate', '事项承接率'), ('targets_met', '发展目标完成率'), ('rectifications_closed', '督查问题整改销号率')], max_length=32, verbose_name='计算口径')),
                ('rule', models.CharField(blank=True, max_length=300, verbose_name='评分标准')),
                ('is_active', models.BooleanField(default=True, verbose_name='在用')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='oversight.appraisalindicator')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
                ('indicator_set', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.indicatorset', verbose_name='指标体系')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='appraisalindicator',
            name='indicator_set',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='indicators', to='oversight.indicatorset', verbose_name='指标体系'),
        ),
        migrations.CreateModel(
            name='AppraisalEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('year', models.PositiveSmallIntegerField(verbose_name='考核年度')),
                ('state', models.CharField(choices=[('draft', '评分中'), ('finalised', '已定档')], default='draft', max_length=16, verbose_name='状态')),
                ('total', models.DecimalField(blank=True, decimal_places=2, max_digits=6, null=True, verbose_name='总分')),
                ('grade', models.CharField(blank=True, choices=[('excellent', '优秀'), ('good', '良好'), ('pass', '合格'), ('fail', '不合格')], max_length=16, verbose_name='等次')),
                ('computed_at', models.DateTimeField(blank=True, null=True, verbose_name='计算时间')),
                ('finalised_on', models.DateField(blank=True, null=True, verbose_name='定档日期')),
                ('conclusion', models.TextField(blank=True, verbose_name='考核意见')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('finalised_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='定档人')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='oversight.appraisal')),
                ('town', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='regions.division', verbose_name='试点镇')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
                ('indicator_set', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.indicatorset', verbose_name='指标体系')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddField(
            model_name='appraisal',
            name='indicator_set',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='appraisals', to='oversight.indicatorset', verbose_name='指标体系'),
        ),
        migrations.CreateModel(
            name='IndicatorSetEvent',
            fields=[
                ('pgh_id', models.AutoField(primary_key=True, serialize=False)),
                ('pgh_created_at', models.DateTimeField(auto_now_add=True)),
                ('pgh_label', models.TextField(help_text='The event label.')),
                ('id', models.BigIntegerField()),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('year', models.PositiveSmallIntegerField(validators=[django.core.validators.MinValueValidator(2000), django.core.validators.MaxValueValidator(2100)], verbose_name='考核年度')),
                ('name', models.CharField(max_length=128, verbose_name='名称')),
                ('excellent_from', models.DecimalField(decimal_places=2, default=Decimal('90'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='优秀分数线')),
                ('good_from', models.DecimalField(decimal_places=2, default=Decimal('80'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='良好分数线')),
                ('pass_from', models.DecimalField(decimal_places=2, default=Decimal('60'), max_digits=5, validators=[django.core.validators.MinValueValidator(Decimal('0')), django.core.validators.MaxValueValidator(Decimal('100'))], verbose_name='合格分数线')),
                ('document_number', models.CharField(blank=True, max_length=64, verbose_name='印发文号')),
                ('created_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='创建人')),
                ('group', models.ForeignKey(db_constraint=False, db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to='oversight.leadinggroup', verbose_name='领导小组')),
                ('pgh_context', models.ForeignKey(db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='pghistory.context')),
                ('pgh_obj', models.ForeignKey(db_constraint=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='events', to='oversight.indicatorset')),
                ('updated_by', models.ForeignKey(blank=True, db_constraint=False, db_index=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', related_query_name='+', to=settings.AUTH_USER_MODEL, verbose_name='最后修改人')),
            ],
            options={
                'abstract': False,
            },
        ),
        migrations.AddConstraint(
            model_name='appraisalscore',
            constraint=models.UniqueConstraint(fields=('appraisal', 'indicator'), name='appraisal_score_once'),
        ),
        migrations.AddConstraint(
            model_name='appraisalscore',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('by_hand', True), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='appraisal_score_hand_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='appraisalscore',
            constraint=models.CheckConstraint(condition=models.Q(('score__isnull', True), models.Q(('score__gte', 0), ('score__lte', 100)), _connector='OR'), name='appraisal_score_range'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalscore',
            trigger=pgtrigger.compiler.Trigger(name='protect_deletes', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='247d4ed3bcceb16a5b827e91b546376a26db682b', operation='DELETE', pgid='pgtrigger_protect_deletes_bd46d', table='oversight_appraisalscore', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalscore',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalscoreevent" ("appraisal_id", "by_hand", "computed_score", "created_at", "created_by_id", "id", "indicator_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "score", "scored_by_id", "trace", "updated_at", "updated_by_id") SELECT new_values."appraisal_id", new_values."by_hand", new_values."computed_score", new_values."created_at", new_values."created_by_id", new_values."id", new_values."indicator_id", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."reason", new_values."score", new_values."scored_by_id", new_values."trace", new_values."updated_at", new_values."updated_by_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='7dd5f26a4fb03fd2967c7dcdaeec69b9cbc21ef7', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_ad1dc', referencing='REFERENCING NEW TABLE AS new_values ', table='oversight_appraisalscore', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalscore',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalscoreevent" ("appraisal_id", "by_hand", "computed_score", "created_at", "created_by_id", "id", "indicator_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "score", "scored_by_id", "trace", "updated_at", "updated_by_id") SELECT new_values."appraisal_id", new_values."by_hand", new_values."computed_score", new_values."created_at", new_values."created_by_id", new_values."id", new_values."indicator_id", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."reason", new_values."score", new_values."scored_by_id", new_values."trace", new_values."updated_at", new_values."updated_by_id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='b28ec19c9a98614ae7520a4908861a4e5e136aba', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_37f73', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='oversight_appraisalscore', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalscore',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalscoreevent" ("appraisal_id", "by_hand", "computed_score", "created_at", "created_by_id", "id", "indicator_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "reason", "score", "scored_by_id", "trace", "updated_at", "updated_by_id") SELECT old_values."appraisal_id", old_values."by_hand", old_values."computed_score", old_values."created_at", old_values."created_by_id", old_values."id", old_values."indicator_id", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."reason", old_values."score", old_values."scored_by_id", old_values."trace", old_values."updated_at", old_values."updated_by_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='46bdf1b610c2c95703ae87eb132629fe9037cc25', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_1db82', referencing='REFERENCING OLD TABLE AS old_values ', table='oversight_appraisalscore', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisaluse',
            trigger=pgtrigger.compiler.Trigger(name='protect_deletes', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='fd0451b75c6cf3622779e82165de494c857be7ed', operation='DELETE', pgid='pgtrigger_protect_deletes_02b80', table='oversight_appraisaluse', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisaluse',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisaluseevent" ("appraisal_id", "created_at", "created_by_id", "decided_on", "document_number", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "text", "updated_at", "updated_by_id") SELECT new_values."appraisal_id", new_values."created_at", new_values."created_by_id", new_values."decided_on", new_values."document_number", new_values."id", new_values."kind", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."text", new_values."updated_at", new_values."updated_by_id" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='1cac6f3b353d08c28aeafd237f497b6b35ab08e8', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_8cc29', referencing='REFERENCING NEW TABLE AS new_values ', table='oversight_appraisaluse', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisaluse',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisaluseevent" ("appraisal_id", "created_at", "created_by_id", "decided_on", "document_number", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "text", "updated_at", "updated_by_id") SELECT new_values."appraisal_id", new_values."created_at", new_values."created_by_id", new_values."decided_on", new_values."document_number", new_values."id", new_values."kind", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."text", new_values."updated_at", new_values."updated_by_id" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='bc9d3c3c2a794016fcb4f10e004b97608afb285b', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_7d8c3', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='oversight_appraisaluse', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisaluse',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisaluseevent" ("appraisal_id", "created_at", "created_by_id", "decided_on", "document_number", "id", "kind", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "text", "updated_at", "updated_by_id") SELECT old_values."appraisal_id", old_values."created_at", old_values."created_by_id", old_values."decided_on", old_values."document_number", old_values."id", old_values."kind", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."text", old_values."updated_at", old_values."updated_by_id" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='5cefe7827694b03895361fead5192ed51099f937', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_90a6a', referencing='REFERENCING OLD TABLE AS old_values ', table='oversight_appraisaluse', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='indicatorset',
            constraint=models.UniqueConstraint(fields=('group', 'year'), name='indicator_set_once_per_year'),
        ),
        migrations.AddConstraint(
            model_name='indicatorset',
            constraint=models.CheckConstraint(condition=models.Q(('excellent_from__gt', models.F('good_from')), ('good_from__gt', models.F('pass_from')), ('pass_from__gt', 0)), name='indicator_set_thresholds_ordered'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorset',
            trigger=pgtrigger.compiler.Trigger(name='protect_deletes', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='102eb5487b4a5a1e9f749e53557865dc34b22fb8', operation='DELETE', pgid='pgtrigger_protect_deletes_07f8c', table='oversight_indicatorset', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorset',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_indicatorsetevent" ("created_at", "created_by_id", "document_number", "excellent_from", "good_from", "group_id", "id", "name", "pass_from", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "updated_by_id", "year") SELECT new_values."created_at", new_values."created_by_id", new_values."document_number", new_values."excellent_from", new_values."good_from", new_values."group_id", new_values."id", new_values."name", new_values."pass_from", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."updated_at", new_values."updated_by_id", new_values."year" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='db3c27a64595f1cf024180d34ecdfbe00db40eb0', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_aeb10', referencing='REFERENCING NEW TABLE AS new_values ', table='oversight_indicatorset', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorset',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_indicatorsetevent" ("created_at", "created_by_id", "document_number", "excellent_from", "good_from", "group_id", "id", "name", "pass_from", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "updated_by_id", "year") SELECT new_values."created_at", new_values."created_by_id", new_values."document_number", new_values."excellent_from", new_values."good_from", new_values."group_id", new_values."id", new_values."name", new_values."pass_from", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."updated_at", new_values."updated_by_id", new_values."year" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='ff0e393e2a65ba6b4fee680f2257e55fc1faa037', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_2a51a', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='oversight_indicatorset', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='indicatorset',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_indicatorsetevent" ("created_at", "created_by_id", "document_number", "excellent_from", "good_from", "group_id", "id", "name", "pass_from", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "updated_at", "updated_by_id", "year") SELECT old_values."created_at", old_values."created_by_id", old_values."document_number", old_values."excellent_from", old_values."good_from", old_values."group_id", old_values."id", old_values."name", old_values."pass_from", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."updated_at", old_values."updated_by_id", old_values."year" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='daec587fb86ff18baa1594a5926339cb32849764', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_947e4', referencing='REFERENCING OLD TABLE AS old_values ', table='oversight_indicatorset', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='appraisalindicator',
            constraint=models.UniqueConstraint(condition=models.Q(('is_active', True)), fields=('indicator_set', 'position'), name='appraisal_indicator_position_once'),
        ),
        migrations.AddConstraint(
            model_name='appraisalindicator',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'computed'), models.Q(('measure', ''), _negated=True)), models.Q(('kind', 'manual'), ('measure', '')), _connector='OR'), name='appraisal_indicator_measure_iff_computed'),
        ),
        migrations.AddConstraint(
            model_name='appraisalindicator',
            constraint=models.CheckConstraint(condition=models.Q(('weight__gt', 0), ('weight__lte', 100)), name='appraisal_indicator_weight_range'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalindicator',
            trigger=pgtrigger.compiler.Trigger(name='protect_deletes', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='8996ffec3560070a95a3e55bbb985638625b1b2a', operation='DELETE', pgid='pgtrigger_protect_deletes_be78b', table='oversight_appraisalindicator', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalindicator',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalindicatorevent" ("created_at", "created_by_id", "id", "indicator_set_id", "is_active", "kind", "measure", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rule", "updated_at", "updated_by_id", "weight") SELECT new_values."created_at", new_values."created_by_id", new_values."id", new_values."indicator_set_id", new_values."is_active", new_values."kind", new_values."measure", new_values."name", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."position", new_values."rule", new_values."updated_at", new_values."updated_by_id", new_values."weight" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='cd809ce7494adf3bc73e7ade36962cff7b213b4f', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_688ed', referencing='REFERENCING NEW TABLE AS new_values ', table='oversight_appraisalindicator', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalindicator',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalindicatorevent" ("created_at", "created_by_id", "id", "indicator_set_id", "is_active", "kind", "measure", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rule", "updated_at", "updated_by_id", "weight") SELECT new_values."created_at", new_values."created_by_id", new_values."id", new_values."indicator_set_id", new_values."is_active", new_values."kind", new_values."measure", new_values."name", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."position", new_values."rule", new_values."updated_at", new_values."updated_by_id", new_values."weight" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='784833060dc422b2f91e1090721226b98ee0c9e0', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_6f0c5', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='oversight_appraisalindicator', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisalindicator',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalindicatorevent" ("created_at", "created_by_id", "id", "indicator_set_id", "is_active", "kind", "measure", "name", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "position", "rule", "updated_at", "updated_by_id", "weight") SELECT old_values."created_at", old_values."created_by_id", old_values."id", old_values."indicator_set_id", old_values."is_active", old_values."kind", old_values."measure", old_values."name", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."position", old_values."rule", old_values."updated_at", old_values."updated_by_id", old_values."weight" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='cdb6fd0926ef59db9c75ade2ebeca00a7074eeec', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_f5a80', referencing='REFERENCING OLD TABLE AS old_values ', table='oversight_appraisalindicator', when='AFTER')),
        ),
        migrations.AddConstraint(
            model_name='appraisal',
            constraint=models.UniqueConstraint(fields=('town', 'year'), name='appraisal_once_per_town_year'),
        ),
        migrations.AddConstraint(
            model_name='appraisal',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'finalised'), _negated=True), models.Q(('total__isnull', False), models.Q(('grade', ''), _negated=True), ('finalised_on__isnull', False)), _connector='OR'), name='appraisal_finalised_complete'),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisal',
            trigger=pgtrigger.compiler.Trigger(name='protect_deletes', sql=pgtrigger.compiler.UpsertTriggerSql(func="RAISE EXCEPTION 'pgtrigger: Cannot delete rows from % table', TG_TABLE_NAME;", hash='035de768cb93f0c93edc675ec43044faa5e9b5d9', operation='DELETE', pgid='pgtrigger_protect_deletes_9eb4f', table='oversight_appraisal', when='BEFORE')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisal',
            trigger=pgtrigger.compiler.Trigger(name='insert_insert', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalevent" ("computed_at", "conclusion", "created_at", "created_by_id", "finalised_by_id", "finalised_on", "grade", "id", "indicator_set_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "state", "total", "town_id", "updated_at", "updated_by_id", "year") SELECT new_values."computed_at", new_values."conclusion", new_values."created_at", new_values."created_by_id", new_values."finalised_by_id", new_values."finalised_on", new_values."grade", new_values."id", new_values."indicator_set_id", _pgh_attached_context.value, NOW(), \'insert\', new_values."id", new_values."state", new_values."total", new_values."town_id", new_values."updated_at", new_values."updated_by_id", new_values."year" FROM ( SELECT new_values.* FROM new_values  ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='c7b56bcb1c0522ff0eb7344f4e44ec98fe44c25e', level='STATEMENT', operation='INSERT', pgid='pgtrigger_insert_insert_a5c65', referencing='REFERENCING NEW TABLE AS new_values ', table='oversight_appraisal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisal',
            trigger=pgtrigger.compiler.Trigger(name='update_update', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalevent" ("computed_at", "conclusion", "created_at", "created_by_id", "finalised_by_id", "finalised_on", "grade", "id", "indicator_set_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "state", "total", "town_id", "updated_at", "updated_by_id", "year") SELECT new_values."computed_at", new_values."conclusion", new_values."created_at", new_values."created_by_id", new_values."finalised_by_id", new_values."finalised_on", new_values."grade", new_values."id", new_values."indicator_set_id", _pgh_attached_context.value, NOW(), \'update\', new_values."id", new_values."state", new_values."total", new_values."town_id", new_values."updated_at", new_values."updated_by_id", new_values."year" FROM ( SELECT new_values.* FROM old_values JOIN new_values ON (old_values."id") = (new_values."id") WHERE (old_values.* IS DISTINCT FROM new_values.*) ) AS new_values, _pgh_attached_context; RETURN NULL;', hash='8b356f6a2972d94c6ddca1d6b5eaab7880b08d79', level='STATEMENT', operation='UPDATE', pgid='pgtrigger_update_update_483b0', referencing='REFERENCING OLD TABLE AS old_values  NEW TABLE AS new_values ', table='oversight_appraisal', when='AFTER')),
        ),
        pgtrigger.migrations.AddTrigger(
            model_name='appraisal',
            trigger=pgtrigger.compiler.Trigger(name='delete_delete', sql=pgtrigger.compiler.UpsertTriggerSql(func='WITH _pgh_attached_context AS ( SELECT _pgh_attach_context() AS value ) INSERT INTO "oversight_appraisalevent" ("computed_at", "conclusion", "created_at", "created_by_id", "finalised_by_id", "finalised_on", "grade", "id", "indicator_set_id", "pgh_context_id", "pgh_created_at", "pgh_label", "pgh_obj_id", "state", "total", "town_id", "updated_at", "updated_by_id", "year") SELECT old_values."computed_at", old_values."conclusion", old_values."created_at", old_values."created_by_id", old_values."finalised_by_id", old_values."finalised_on", old_values."grade", old_values."id", old_values."indicator_set_id", _pgh_attached_context.value, NOW(), \'delete\', old_values."id", old_values."state", old_values."total", old_values."town_id", old_values."updated_at", old_values."updated_by_id", old_values."year" FROM ( SELECT old_values.* FROM old_values  ) AS old_values, _pgh_attached_context; RETURN NULL;', hash='53e4f07aa017c07917c062caddb8e8e4a6147f01', level='STATEMENT', operation='DELETE', pgid='pgtrigger_delete_delete_3747c', referencing='REFERENCING OLD TABLE AS old_values ', table='oversight_appraisal', when='AFTER')),
        ),
    ]
