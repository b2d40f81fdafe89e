"""``python -m checker`` runs the mapcheck command line."""

from checker.cli import main

if __name__ == "__main__":
    main()
