# bash completion for goxel: source <(goxel completions bash)
# Self-contained (no bash-completion package needed); sourcing it again is harmless.

__goxel_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]}
    local -a args=("${COMP_WORDS[@]:1:COMP_CWORD}")
    local out directive line value
    # The program prints "value<TAB>description" lines, then ":directive".
    out=$(goxel complete -- "${args[@]}" 2>/dev/null) || return 0
    directive=${out##*:}
    [[ $directive =~ ^[0-9]+$ ]] || directive=0
    COMPREPLY=()
    (( directive & 1 )) && return 0
    (( directive & 2 )) && compopt -o nospace 2>/dev/null
    while IFS= read -r line; do
        [[ -z $line || $line == :* ]] && continue
        value=${line%%$'\t'*}
        [[ $value == "$cur"* ]] && COMPREPLY+=("$value")
    done <<< "$out"
    # Nothing matched: file names, unless the program said files make no sense here.
    if (( ${#COMPREPLY[@]} == 0 )) && (( directive & 4 )); then
        compopt +o default 2>/dev/null
    fi
    return 0
}

complete -o default -F __goxel_complete goxel
