fn main() {
    mcp_status_web::console::start();
}
