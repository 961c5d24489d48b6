use wsasim::*;

#[test]
fn smoke_trace() {
    let mut sim = Sim::new();
    let server = sim.add_host("server", "10.0.0.2".parse().unwrap()).unwrap();
    let client = sim.add_host("client", "10.0.0.1".parse().unwrap()).unwrap();
    let main = sim.create_window(server, "main");
    sim.on(server).wsa_startup().unwrap();
    let l = sim.on(server).socket(SocketType::Stream).unwrap();
    sim.on(server).bind(l, "10.0.0.2:80".parse().unwrap()).unwrap();
    sim.on(server).listen(l, 5).unwrap();
    sim.on(server).wsa_async_select(l, main, WindowMessage::user(1), NetworkEvent::FD_ACCEPT | NetworkEvent::FD_READ | NetworkEvent::FD_CLOSE | NetworkEvent::FD_WRITE).unwrap();
    sim.on(client).wsa_startup().unwrap();
    let c = sim.on(client).socket(SocketType::Stream).unwrap();
    sim.on(client).ioctl_fionbio(c, true).unwrap();
    let _ = sim.on(client).connect(c, "10.0.0.2:80".parse().unwrap());
    sim.run_until_idle(1000).unwrap();
    let m = sim.on(server).get_message(main).unwrap();
    assert_eq!(m.lparam.event(), NetworkEvent::FD_ACCEPT);
    let (a, _) = sim.on(server).accept(l).unwrap();
    sim.on(client).send(c, &[7u8; 100], MsgFlags::NONE).unwrap();
    sim.run_until_idle(1000).unwrap();
    sim.on(server).recv(a, 50, MsgFlags::NONE).unwrap();
    sim.on(client).closesocket(c).unwrap();
    sim.run_until_idle(1000).unwrap();
    sim.on(server).recv(a, 50, MsgFlags::NONE).unwrap();
    sim.on(server).recv(a, 50, MsgFlags::NONE).unwrap();
    sim.on(server).closesocket(a).unwrap();
    sim.run_until_idle(1000).unwrap();
    println!("{}", sim.trace());
}
