//! The playground's entry point: mount [`wsasim_web::App`] on the page's `<body>`.
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(wsasim_web::App)
}
