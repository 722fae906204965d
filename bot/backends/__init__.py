"""Mailbox backends. With action handlers, the only code that may send mail."""
