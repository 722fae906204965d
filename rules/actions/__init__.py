"""Rules whose hits plan mail to the member (acknowledgement, warnings). They only plan."""
