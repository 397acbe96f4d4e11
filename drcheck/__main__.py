from drcheck.cli import main

main()
