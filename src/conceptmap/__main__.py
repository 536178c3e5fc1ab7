from conceptmap.cli import main

main()
