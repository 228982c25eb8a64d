# bash completion for goxel: source <(goxel completions bash)
# Self-contained (no bash-completion package needed); sourcing it again is harmless.

__goxel_complete() {
    local cur=${COMP_WORDS[COMP_CWORD]} lead="" glue=0 out directive line value word i
    local -a args=()
    # bash splits --opt=value and name=value at "=" (COMP_WORDBREAKS): join them again.
    for (( i = 1; i <= COMP_CWORD; i++ )); do
        word=${COMP_WORDS[i]}
        if [[ $word == "=" ]] && (( ${#args[@]} )); then
            args[${#args[@]}-1]+="="
            glue=1
        elif (( glue )); then
            args[${#args[@]}-1]+=$word
            glue=0
        else
            args+=("$word")
        fi
    done
    # The shell replaces only the text after "=": offer bare values, or --opt=value when "="
    # does not split words here.
    if [[ $cur == "=" ]]; then
        cur=""
    elif [[ $cur == -*=* ]]; then
        lead=${cur%%=*}=
        cur=${cur#*=}
    fi
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
        [[ $value == "$cur"* ]] && COMPREPLY+=("$lead$value")
    done <<< "$out"
    # Nothing matched: file names (complete -o default), unless the program turned them off.
    if (( ${#COMPREPLY[@]} == 0 )) && (( directive & 4 )); then
        compopt +o default 2>/dev/null
    fi
    return 0
}

complete -o default -F __goxel_complete goxel
