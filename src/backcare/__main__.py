"""`python -m backcare` runs the command line."""

from backcare.cli import main

main()
