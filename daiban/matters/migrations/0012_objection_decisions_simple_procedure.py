"""Issue 8 items 7 and 8: an objection waits for the routing level's decision (task status "objecting",
the refusal's reasons, the two decision events; the one-lead constraint counts a lead with a pending
objection), and 简易办理 (Matter.simple_procedure, the "simplified" clock step). No existing row changes:
an objection recorded before took effect at once, which is what "objected" (异议成立) now means."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('matters', '0011_petitioner_unique_in_county'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='unittask',
            name='one_active_lead_task',
        ),
        migrations.AddField(
            model_name='matter',
            name='simple_procedure',
            field=models.BooleanField(default=False, verbose_name='简易办理'),
        ),
        migrations.AddField(
            model_name='unittask',
            name='objection_refusal',
            field=models.TextField(blank=True, verbose_name='不同意异议的理由'),
        ),
        migrations.AlterField(
            model_name='deadline',
            name='step',
            field=models.CharField(choices=[('route', '转送交办'), ('accept_notice', '受理告知'), ('objection', '异议期'), ('handling', '办理'), ('simplified', '简易办理'), ('follow_up', '反馈回访'), ('review_handling', '复查办理'), ('reexam_handling', '复核办理')], max_length=20, verbose_name='环节'),
        ),
        migrations.AlterField(
            model_name='event',
            name='kind',
            field=models.CharField(choices=[('intake', '受理登记'), ('repeat_visit', '重复来访'), ('attach', '上传附件'), ('answer', '即时答复办结'), ('start_local', '就地办理'), ('escalate', '上报上一级'), ('hand_down', '交由下级办理'), ('guide_legal', '引导依法解决'), ('not_accept', '不予受理'), ('route', '交办事权单位'), ('object', '提出异议'), ('objection_agree', '同意异议'), ('objection_refuse', '不同意异议'), ('accept', '受理交办'), ('submit_part', '报送协办意见'), ('mediate', '记录调解'), ('extend', '申请延期'), ('reply', '出具处理意见书'), ('reply_local', '就地办理答复'), ('feedback', '反馈办理结果'), ('follow_up', '回访'), ('close', '办结'), ('request_review', '登记复查（复核）申请'), ('hearing', '记录听证'), ('decide_review', '出具复查（复核）意见书'), ('assign_leaders', '确定包案领导'), ('recuse', '申请回避'), ('press', '催办 / 督办')], max_length=32, verbose_name='类型'),
        ),
        migrations.AlterField(
            model_name='matter',
            name='due_step',
            field=models.CharField(blank=True, choices=[('route', '转送交办'), ('accept_notice', '受理告知'), ('objection', '异议期'), ('handling', '办理'), ('simplified', '简易办理'), ('follow_up', '反馈回访'), ('review_handling', '复查办理'), ('reexam_handling', '复核办理')], max_length=20, verbose_name='当前环节'),
        ),
        migrations.AlterField(
            model_name='unittask',
            name='status',
            field=models.CharField(choices=[('assigned', '待受理'), ('accepted', '办理中'), ('part_submitted', '已报送协办意见'), ('objecting', '已提出异议，待交办机构决定'), ('objected', '异议成立，已退回'), ('done', '已办结'), ('withdrawn', '已撤回')], default='assigned', max_length=16, verbose_name='状态'),
        ),
        migrations.AddConstraint(
            model_name='unittask',
            constraint=models.UniqueConstraint(condition=models.Q(('role', 'lead'), ('status__in', ['assigned', 'objecting', 'accepted', 'done'])), fields=('matter',), name='one_active_lead_task'),
        ),
    ]
