"""Channel-neutral core: flows, validation, translations and the dialogue engine. No I/O."""
