//! Tests of learning mode's questions, choices and score.

use super::*;

const SRC: &str = "host a 10.0.0.1
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

#[test]
fn a_question_at_each_posting_or_delivering_step() {
    let t = Timeline::new(SRC).unwrap();
    let qs = questions(&t);
    assert!(!qs.is_empty());
    let accept = qs
        .iter()
        .find(|q| !q.posted.is_empty())
        .expect("the SYN's arrival posts FD_ACCEPT");
    assert!(is_right(accept, Choice::Event(NetworkEvent::FD_ACCEPT)));
    assert!(!is_right(accept, Choice::Nothing));
    assert!(!is_right(accept, Choice::Error));
    assert_eq!(answer_text(accept), "FD_ACCEPT");
    // A delivery that posts nothing (the client's SYN-ACK) asks too, and "nothing" wins.
    assert!(qs
        .iter()
        .any(|q| q.posted.is_empty() && is_right(q, Choice::Nothing)));
    let cs = choices(&qs);
    assert_eq!(cs.last(), Some(&Choice::Nothing));
    assert!(cs.contains(&Choice::Event(NetworkEvent::FD_ACCEPT)));
}

#[test]
fn the_score_counts_one_answer_a_question() {
    let t = Timeline::new(SRC).unwrap();
    let qs = questions(&t);
    let q = qs.iter().find(|q| !q.posted.is_empty()).unwrap();
    let mut quiz = Quiz::default();
    assert!(!quiz.answer(q, Choice::Nothing));
    assert!(!quiz.answer(q, Choice::Event(NetworkEvent::FD_ACCEPT)));
    assert_eq!((quiz.right, quiz.asked), (0, 1));
    quiz.next();
    assert!(quiz.answer(q, Choice::Event(NetworkEvent::FD_ACCEPT)));
    assert_eq!((quiz.right, quiz.asked, quiz.index), (1, 2, 1));
}
