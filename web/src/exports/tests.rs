//! Tests of the exports: the JSON lines are the CLI's, the CSV has a row an entry, the
//! diagrams show the handshake and the message.

use wsasim::Profile;

use super::*;

const SRC: &str = "title \"Echo, with a read\"
host a 10.0.0.1
host b 10.0.0.2
window b w
a: WSAStartup()
b: WSAStartup()
b: L = socket(AF_INET, SOCK_STREAM)
b: bind(L, 10.0.0.2:80)
b: listen(L, 5)
b: WSAAsyncSelect(L, w, WM_USER+1, FD_ACCEPT)
a: C = socket(AF_INET, SOCK_STREAM)
a: connect(C, 10.0.0.2:80)
run until idle
";

fn get(what: Export) -> String {
    export(SRC, Profile::Documented, what).expect("the scenario parses")
}

#[test]
fn trace_json_is_the_clis() {
    let mut r = Runner::new(SRC).unwrap();
    r.run_to_end();
    assert_eq!(get(Export::TraceJson), r.trace_json());
    assert!(get(Export::TraceJson).lines().count() > 5);
}

#[test]
fn csv_has_a_header_and_a_row_an_entry() {
    let csv = get(Export::TraceCsv);
    let json = get(Export::TraceJson);
    assert!(csv.starts_with("step,entry,time,line,host,action,messages\r\n"));
    assert_eq!(csv.matches("\r\n").count(), json.lines().count() + 1);
}

#[test]
fn messages_in_both_formats() {
    let csv = get(Export::MessagesCsv);
    let json = get(Export::MessagesJson);
    assert!(csv.contains("FD_ACCEPT"), "{csv}");
    assert_eq!(csv.matches("\r\n").count(), json.lines().count() + 1);
    assert!(json.starts_with("{\"step\":"), "{json}");
}

#[test]
fn diagrams_show_the_handshake_and_the_message() {
    let m = get(Export::Mermaid);
    assert!(m.starts_with("sequenceDiagram\n"));
    assert!(m.contains("h_a->>h_b: ") && m.contains("SYN"), "{m}");
    assert!(m.contains("posted") && m.contains("FD_ACCEPT"), "{m}");
    let s = get(Export::Svg);
    assert!(s.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(s.contains("SYN") && s.contains("FD_ACCEPT"));
}

#[test]
fn file_stems() {
    assert_eq!(file_stem("Echo, with a read"), "echo-with-a-read");
    assert_eq!(file_stem("  "), "scenario");
}
