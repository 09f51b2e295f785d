import sys

from technoveille.cli import main

sys.exit(main())
