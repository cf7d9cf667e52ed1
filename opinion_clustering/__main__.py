import sys

from opinion_clustering.cli import main

sys.exit(main())
