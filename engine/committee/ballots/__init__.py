"""Secret ballots (R8): encrypted as cast, totalled on ciphertexts, opened only by a threshold of tellers."""
