from voting_rules.cli import main

raise SystemExit(main())
