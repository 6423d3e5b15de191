from medkg.cli import main

main()
