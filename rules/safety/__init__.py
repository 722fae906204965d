"""Rules that stop automatic mail: loops, reflections, robots and untrusted senders."""
