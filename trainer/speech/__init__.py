"""Speech I/O: the prospect's voice (TTS), audio in/out, voice activity, ASR engines, models."""
