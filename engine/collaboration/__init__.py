"""Working together on a matter: comments and attachments, followers, notifications and mail, urging
and overdue flags."""
