"""``python -m cors_lab doctor URL --origin ORIGIN``: the same as the ``cors-lab`` command (`cors_lab.cli`)."""
import sys

from cors_lab.cli import main

sys.exit(main())
