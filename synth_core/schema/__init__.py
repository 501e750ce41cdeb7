"""What each column is: kinds with reasons, inference, dates, which treatment a kind allows."""
