import sys


def main() -> int:
    print("benchmarks: nothing measured yet", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
