"""``python -m cancer_alliance``: the same as the ``cancer-alliance`` command."""

from cancer_alliance.cli import main

if __name__ == "__main__":
    main()
