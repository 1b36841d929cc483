"""What the public sees: the online mailbox (letters), the public portal of published outcomes and the
published catalogue of powers."""
