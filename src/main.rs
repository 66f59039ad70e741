fn main() {
    mcp_status_web::start();
}
