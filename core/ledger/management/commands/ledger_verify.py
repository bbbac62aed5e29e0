"""Verify the hash chain of every ledger account; report the first entry that does not verify.

    python manage.py ledger_verify                 # every ledger, the outcome kept for the badge
    python manage.py ledger_verify --ledger finance
    python manage.py ledger_verify --account 12 --no-record

Exit status 1 when a chain is broken, so cron and CI notice.
"""

from django.core.management.base import BaseCommand, CommandError

from core.ledger.chain import verify, verify_and_record


class Command(BaseCommand):
    help = "校验台账哈希链，报告第一条未通过校验的分录。"

    def add_arguments(self, parser):
        parser.add_argument("--ledger", default="", help="只校验这个台账（代码）")
        parser.add_argument("--account", type=int, action="append", help="只校验这个账户（可重复）")
        parser.add_argument("--no-record", action="store_true", help="不保存校验结果")

    def handle(self, *args, ledger="", account=None, no_record=False, **options):
        if account or no_record:
            result = verify(accounts=account, ledger=ledger or None) if account else verify(ledger=ledger or None)
        else:
            result, _run = verify_and_record(ledger=ledger)
        self.stdout.write(
            f"checked {result.accounts} accounts, {result.entries} entries in {result.seconds:.2f} s"
        )
        first = result.first
        if first is None:
            self.stdout.write(self.style.SUCCESS("OK: every chain verifies"))
            return
        for problem in result.problems:
            self.stdout.write(
                f"account {problem.account_id} entry {problem.entry_id} seq {problem.seq}: {problem.reason}"
            )
        raise CommandError(
            f"first entry that does not verify: entry {first.entry_id} (account {first.account_id}, "
            f"seq {first.seq}): {first.reason}"
        )
