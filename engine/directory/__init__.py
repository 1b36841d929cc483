"""People and who may do what: users and roles (people), access to matters, sign-in sessions and the
throttle on guessed passwords."""
