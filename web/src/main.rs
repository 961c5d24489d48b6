//! The playground's entry point: a panic hook that shows errors in the page, then mount [`wsasim_web::App`].
fn main() {
    wsasim_web::panic::install();
    leptos::mount::mount_to_body(wsasim_web::App)
}
