//! Issue 24 item 6 on the command line: `--help` lists the enum values (clap `ValueEnum`
//! from the API's enums) and a value not among them is a usage error (exit 2) naming them;
//! `corridor capacity` refuses a question with suggestions, as `corridor route` does; and
//! every command's exit codes are distinct and documented: 0 answered, 1 invalid data or
//! value, 2 usage, 3 not found.

use std::process::{Command, Output};

fn corridor(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_corridor"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn route_help_lists_the_values_of_mode_optimize_cargo_and_alternatives_by() {
    let out = corridor(&["route", "--help"]);
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    for values in [
        "[possible values: rail, road, any]",
        "[possible values: distance, time, cost, co2]",
        "[possible values: general, container, bulk, livestock]",
        "[possible values: route, corridor]",
    ] {
        assert!(help.contains(values), "{values} not in:\n{help}");
    }
    // A value not among those listed is a usage error naming the flag and the values.
    let out = corridor(&["route", "ru-ulan-ude", "cn-beijing", "--optimize", "speed"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--optimize"), "{err}");
    assert!(err.contains("distance, time, cost, co2"), "{err}");
}

#[test]
fn every_enum_flag_of_every_command_lists_and_checks_its_values() {
    for (cmd, flag, values) in [
        ("route", "--mode", "rail, road, any"),
        ("route", "--alternatives-by", "route, corridor"),
        ("route", "--cargo", "general, container, bulk, livestock"),
        ("matrix", "--optimize", "distance, time, cost, co2"),
        ("matrix", "--mode", "rail, road, any"),
        ("reach", "--direction", "from, to"),
        ("reach", "--measure", "distance, time, cost, co2"),
        ("capacity", "--mode", "rail, road, any"),
        ("capacity", "--transit", "any, direct"),
    ] {
        let help = String::from_utf8(corridor(&[cmd, "--help"]).stdout).unwrap();
        let line = help
            .lines()
            .skip_while(|l| !l.trim_start().starts_with(flag))
            .take_while(|l| !l.contains("possible values") || !l.is_empty())
            .find(|l| l.contains("possible values"))
            .unwrap_or_else(|| panic!("{cmd} {flag}: no values listed in\n{help}"));
        assert!(line.contains(values), "{cmd} {flag}: {line}");
        let args: Vec<&str> = match cmd {
            "route" => vec![cmd, "kz-almaty", "cn-beijing", flag, "nonsense"],
            "matrix" => vec![
                cmd,
                "--from",
                "kz-almaty",
                "--to",
                "cn-beijing",
                flag,
                "nonsense",
            ],
            "reach" => vec![cmd, "kz-almaty", "--contours", "24", flag, "nonsense"],
            _ => vec![cmd, "KZ", "CN", flag, "nonsense"],
        };
        let out = corridor(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(flag) && err.contains(values),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn exit_codes_are_distinct_and_documented() {
    // 0: answered.
    assert_eq!(
        corridor(&["route", "ru-ulan-ude", "cn-beijing"])
            .status
            .code(),
        Some(0)
    );
    // 1: invalid value (named) …
    let out = corridor(&["route", "ru-ulan-ude", "cn-beijing", "--max-stretch", "50"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("max_stretch"));
    let out = corridor(&[
        "matrix",
        "--from",
        "kz-almaty",
        "--to",
        "cn-beijing",
        "--depart",
        "2031-01-01T00:00Z",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("depart"));
    // … or invalid data: a network that does not validate, for any command reading it.
    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/many_problems");
    for args in [
        vec!["validate", "--data", broken],
        vec!["route", "a", "b", "--data", broken],
        vec!["matrix", "--from", "a", "--to", "b", "--data", broken],
    ] {
        assert_eq!(corridor(&args).status.code(), Some(1), "{args:?}");
    }
    // 2: usage.
    assert_eq!(corridor(&["route", "ru-ulan-ude"]).status.code(), Some(2));
    assert_eq!(
        corridor(&["route", "ru-ulan-ude", "cn-beijing", "--speed", "9"])
            .status
            .code(),
        Some(2)
    );
    // 3: not found — an unknown place (with suggestions) …
    for args in [
        vec!["route", "Ulan-Udee", "cn-beijing"],
        vec![
            "matrix",
            "--from",
            "kz-almaty,Ulan-Udee",
            "--to",
            "cn-beijing",
        ],
        vec!["reach", "Ulan-Udee", "--contours", "24"],
        vec!["capacity", "KZ", "Beijng", "--mode", "rail"],
    ] {
        let out = corridor(&args);
        assert_eq!(out.status.code(), Some(3), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("ru-ulan-ude") || err.contains("cn-beijing"),
            "{args:?}: {err}"
        );
    }
    // … or no route under the constraints.
    let out = corridor(&[
        "route",
        "mn-ulaanbaatar",
        "cn-beijing",
        "--avoid-countries",
        "CN",
    ]);
    assert_eq!(out.status.code(), Some(3));
    // The table is in every command's --help and in the README.
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    for cmd in [
        vec!["--help"],
        vec!["route", "--help"],
        vec!["matrix", "--help"],
        vec!["capacity", "--help"],
    ] {
        let help = String::from_utf8(corridor(&cmd).stdout).unwrap();
        for code in [
            "0  answered",
            "1  invalid data",
            "2  usage error",
            "3  not found",
        ] {
            assert!(help.contains(code), "{cmd:?}: {code} not in\n{help}");
        }
    }
    for row in [
        "| 0 | answered",
        "| 1 | invalid data",
        "| 2 | usage error",
        "| 3 | not found",
    ] {
        assert!(readme.contains(row), "README lacks {row}");
    }
}

#[test]
fn capacity_errors_exit_3_with_suggestions() {
    let out = corridor(&["capacity", "KZ", "Beijng", "--mode", "rail"]);
    assert_eq!(out.status.code(), Some(3), "not found");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("TO"), "{err}");
    assert!(err.contains("cn-beijing"), "{err}");
    let out = corridor(&["capacity", "KZ", "CN", "--transit", "sometimes"]);
    assert_eq!(out.status.code(), Some(2), "a usage error");
    let out = corridor(&[
        "capacity",
        "KZ",
        "CN",
        "--mode",
        "rail",
        "--transit",
        "direct",
    ]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("36.10 Mt/yr"));
}
