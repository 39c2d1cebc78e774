from socfit.cli import main

main()
