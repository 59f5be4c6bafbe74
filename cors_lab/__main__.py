"""``python -m cors_lab doctor URL --origin ORIGIN``: the same as the ``cors-lab`` command (`cors_lab.cli`)."""
import sys

from cors_lab.cli import main

if __name__ == "__main__":  # importing the package's modules (the tests do) runs nothing
    sys.exit(main())
