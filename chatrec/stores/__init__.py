"""Session store back ends behind the one `chatrec.sessions.SessionStore` interface:
SQLite (the zero-setup default)."""
