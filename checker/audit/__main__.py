"""``python -m checker.audit audit ...`` and ``python -m checker.audit audit-report ...``: the
audit commands on their own, the same as ``mapcheck audit`` and ``mapcheck audit-report``."""

from __future__ import annotations

import click

from checker.audit.cli import audit, audit_report


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """mapcheck batch audits."""


main.add_command(audit)
main.add_command(audit_report)

if __name__ == "__main__":
    main()
