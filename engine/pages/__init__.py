"""What an official's pages show, each one engine call taking the reader's name: the inbox and lists,
a task page, a matter page and its file, a process page and the minutes book."""
