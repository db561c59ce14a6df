package main

import "github.com/spf13/cobra"

func evalCommand() *cobra.Command {
	return &cobra.Command{Use: "eval GOLD.jsonl...", Short: "Score clustering against gold labels"}
}
