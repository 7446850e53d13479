from wijkverhalen.cli import main

main()
