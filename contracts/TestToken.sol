// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title A USDC-like test token: fixed decimals and an open mint, for devnets only.
contract TestToken is ERC20 {
    uint8 private immutable tokenDecimals;

    constructor(string memory name_, string memory symbol_, uint8 decimals_) ERC20(name_, symbol_) {
        tokenDecimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return tokenDecimals;
    }

    /// @notice Mints `amount` base units to `to`. Anyone may call it: this token has no value.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
