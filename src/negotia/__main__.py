from negotia.cli import main

main()
