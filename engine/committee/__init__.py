"""The committee's rules (R1-R22 of ../shared/domain.md): meetings and their quorum, agenda items,
minutes and their numbers, working days, publication of outcomes and the secret ballot."""
