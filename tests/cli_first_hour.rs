//! Issue 24 item 6 on the command line: `--help` lists the enum values, and `corridor
//! capacity` refuses a question with exit 1 and suggestions (it exited 2 without any), as
//! `corridor route` does; usage errors exit 2.

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
    // Listing the values does not make a wrong one a usage error: the shared parser names it.
    let out = corridor(&["route", "ru-ulan-ude", "cn-beijing", "--optimize", "speed"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("optimize"));
}

#[test]
fn capacity_errors_exit_1_with_suggestions() {
    let out = corridor(&["capacity", "KZ", "Beijng", "--mode", "rail"]);
    assert_eq!(out.status.code(), Some(1));
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
